/** The hosted face page: static markup only; behaviour comes from assets/face-page.js (no inline code, strict CSP). */
export interface FacePage {
  base: string;
  /** Where the page's endpoints live: <base>/interaction/<uid> (sign-in) or <base>/enrol/<link> (enrolment link). */
  action: string;
  csrf: string;
  /** 'enrolled': an enrolment link whose user is already enrolled (nothing to do). */
  mode: 'enrol' | 'verify' | 'enrolled';
  pin: boolean;
  allowUpload: boolean;
  relyingParty: string;
  displayName?: string;
}

const esc = (v: string): string =>
  v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderFacePage(p: FacePage): string {
  if (p.mode === 'enrolled') {
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Face sign-in already set up</title>
<link rel="stylesheet" href="${esc(p.base)}/assets/face-page.css">
</head>
<body>
<main id="face-page" data-mode="enrolled"><h1>Face sign-in is already set up</h1><p class="rp">for ${esc(p.relyingParty)}</p>
<p>Nothing to do here. To set it up again, ask your administrator to remove the current enrolment first.</p></main>
</body>
</html>`;
  }
  const enrol = p.mode === 'enrol';
  const who = p.displayName ? `<p class="who">${esc(p.displayName)}</p>` : '';
  const pin = p.pin
    ? `<div class="field"><label for="pin">${enrol ? 'Choose a PIN (4 to 12 digits)' : 'Your PIN'}</label>
<input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="${enrol ? 'new-password' : 'current-password'}" pattern="[0-9]{4,12}" minlength="4" maxlength="12" required>
</div>${
        enrol
          ? `<div class="field"><label for="pin2">Repeat the PIN</label>
<input id="pin2" name="pin2" type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,12}" minlength="4" maxlength="12" required></div>`
          : ''
      }`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${enrol ? 'Set up face sign-in' : 'Sign in with your face'}</title>
<link rel="stylesheet" href="${esc(p.base)}/assets/face-page.css">
<script type="module" src="${esc(p.base)}/assets/facenition-capture.js"></script>
<script type="module" src="${esc(p.base)}/assets/face-page.js"></script>
</head>
<body>
<main id="face-page" data-action="${esc(p.action)}" data-csrf="${esc(p.csrf)}" data-mode="${p.mode}" data-pin="${p.pin ? 'required' : 'none'}">
<h1>${enrol ? 'Set up face sign-in' : 'Sign in with your face'}</h1>
<p class="rp">for ${esc(p.relyingParty)}</p>
${who}
<p class="intro">${
    enrol
      ? 'Look at the camera. A photo is taken when your face is well placed; it is used once to create your sign-in key and is not stored.'
      : 'Look at the camera. A photo is taken when your face is well placed and compared with your sign-in key; it is not stored.'
  }</p>
<form id="pin-form" novalidate>${pin}</form>
<facenition-capture id="capture"${p.allowUpload ? ' allow-upload' : ''}></facenition-capture>
<p id="status" role="status" aria-live="polite"></p>
${p.action.includes('/interaction/') ? '<div class="actions"><button id="cancel" type="button">Cancel</button></div>' : ''}
</main>
</body>
</html>`;
}
