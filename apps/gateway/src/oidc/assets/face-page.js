// The hosted face page: checks preview frames with the server, sends the captured photo (and the
// PIN) to enrol or verify, then follows the provider's redirect. No third-party code, no token.
const page = document.getElementById('face-page');
const { action, csrf, mode } = page.dataset;
const needsPin = page.dataset.pin === 'required';
const capture = document.getElementById('capture');
const status = document.getElementById('status');
const say = (text) => {
  status.textContent = text;
};
const post = async (path, body) => {
  const r = await fetch(`${action}/${path}`, {
    method: 'POST',
    headers: { 'X-Facenition-CSRF': csrf },
    body,
    credentials: 'same-origin',
  });
  let json;
  try {
    json = await r.json();
  } catch {
    json = { ok: false, error: 'unexpected answer' };
  }
  return json;
};
const pin = () => (needsPin ? document.getElementById('pin').value : '');
const pinProblem = () => {
  if (!needsPin) return null;
  const p = pin();
  if (!/^[0-9]{4,12}$/.test(p)) return 'Enter a PIN of 4 to 12 digits first.';
  if (mode === 'enrol' && document.getElementById('pin2').value !== p) return 'The two PINs differ.';
  return null;
};
let busy = false;

capture.addEventListener('facenition-frame', async (e) => {
  if (busy) return;
  const problem = pinProblem();
  if (problem) {
    capture.feedback({ ok: false, code: 'pin', message: problem });
    return;
  }
  const form = new FormData();
  form.append('frame', e.detail.blob, 'frame.jpg');
  const f = await post('frame', form);
  if (f.code === undefined && f.ok === false) {
    capture.feedback({ ok: false, code: 'error', message: f.error });
    return;
  }
  capture.feedback({ ok: f.ok, code: f.code, message: f.message });
});

capture.addEventListener('facenition-capture', async (e) => {
  if (busy) return;
  const problem = pinProblem();
  if (problem) {
    say(problem);
    capture.reset();
    return;
  }
  busy = true;
  say(mode === 'enrol' ? 'Creating your sign-in key…' : 'Checking…');
  const form = new FormData();
  form.append('photo', e.detail.blob, 'photo.jpg');
  if (needsPin) form.append('pin', pin());
  const r = await post(mode === 'enrol' ? 'enrol' : 'verify', form);
  if (r.done) {
    // an enrolment link: nothing follows
    capture.stop();
    say('Done: face sign-in is set up. You can close this page.');
    return;
  }
  if (r.redirect) {
    say(r.ok && (r.enrolled || r.authenticated) ? 'Done. Returning to the application…' : 'Sign-in refused. Returning to the application…');
    capture.stop();
    window.location.assign(r.redirect);
    return;
  }
  busy = false;
  say(r.message || r.error || 'Something went wrong. Try again.');
  capture.reset();
});

capture.addEventListener('facenition-error', (e) => say(e.detail.message));

document.getElementById('cancel')?.addEventListener('click', async () => {
  const r = await post('abort', null);
  capture.stop();
  if (r.redirect) window.location.assign(r.redirect);
});

say('Starting the camera…');
customElements
  .whenDefined('facenition-capture')
  .then(() => capture.start())
  .then(() => {
    // the component now speaks for itself (its own live region); an error message stays
    if (capture.state === 'live') say('');
  });
