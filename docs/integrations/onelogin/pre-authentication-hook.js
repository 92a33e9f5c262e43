// OneLogin pre-authentication Smart Hook: switch the user's policy by Facenition enrolment status.
//
// OneLogin runs this function (runtime nodejs18.x or later, which has fetch) after the user typed
// their username and before any password or MFA prompt, with a 1 s budget. It asks Facenition
// whether the user is enrolled on the hosted face page of your relying party
// (GET /integrations/enrolment-status) and returns:
//   enrolled      -> FACE_POLICY_ID   (a policy whose MFA is the Facenition face check)
//   not enrolled  -> ENROL_POLICY_ID  (a policy that lets the user sign in the old way and enrol)
//   no answer     -> the user's own policy (the hook never blocks a sign-in: it only picks a policy)
//
// Smart Hook environment variables:
//   FACENITION_URL          e.g. https://faces.example.org (with any FACENITION_BASE_PATH)
//   FACENITION_CLIENT_TOKEN a client token of an API client created with tenant oidc:<relying party client_id>
//   FACE_POLICY_ID, ENROL_POLICY_ID  OneLogin user policy ids
//   FACENITION_TIMEOUT_MS   optional, default 600 (OneLogin allows the hook 1 s in all)

/** Enrolled (true / false), or undefined when Facenition did not answer in time or refused. */
async function enrolmentStatus(subject, env = process.env, fetchImpl = fetch) {
  const url = `${env.FACENITION_URL.replace(/\/+$/, '')}/integrations/enrolment-status?subject=${encodeURIComponent(subject)}`;
  try {
    const res = await fetchImpl(url, {
      headers: { 'X-Auth-Token': env.FACENITION_CLIENT_TOKEN, Accept: 'application/json' },
      signal: AbortSignal.timeout(Number(env.FACENITION_TIMEOUT_MS || 600)),
    });
    if (res.status !== 200) {
      console.log(`Facenition enrolment status: HTTP ${res.status}`);
      return undefined;
    }
    const body = await res.json();
    return typeof body.enrolled === 'boolean' ? body.enrolled : undefined;
  } catch (err) {
    console.log(`Facenition enrolment status: ${err && err.name ? err.name : 'error'}`);
    return undefined;
  }
}

exports.handler = async (context) => {
  const own = { success: true, user: { policy_id: context.user.policy_id } };
  // the user as your relying party's login_hint names it: here OneLogin's numeric user id
  const enrolled = await enrolmentStatus(String(context.user.id));
  if (enrolled === undefined) return own;
  const policy = Number(enrolled ? process.env.FACE_POLICY_ID : process.env.ENROL_POLICY_ID);
  if (!Number.isInteger(policy) || policy <= 0) return own;
  return { success: true, user: { policy_id: policy } };
};

exports.enrolmentStatus = enrolmentStatus;
