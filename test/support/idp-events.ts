/** Identity providers' callout request bodies, as their documentation shows them (for the hook tests and the junk-input suite). */

/** The request body of Microsoft's custom claims provider reference (tokenIssuanceStart), for one user. */
export const entraTokenIssuanceStart = (userId: string, tenantId: string) => ({
  type: 'microsoft.graph.authenticationEvent.tokenIssuanceStart',
  source: `/tenants/${tenantId}/applications/40000000-0000-0000-0000-000000000002`,
  data: {
    '@odata.type': 'microsoft.graph.onTokenIssuanceStartCalloutData',
    tenantId,
    authenticationEventListenerId: '10000000-0000-0000-0000-000000000001',
    customAuthenticationExtensionId: '10000000-0000-0000-0000-000000000002',
    authenticationContext: {
      correlationId: '20000000-0000-0000-0000-000000000002',
      client: { ip: '127.0.0.1', locale: 'en-us', market: 'en-us' },
      protocol: 'OAUTH2.0',
      clientServicePrincipal: {
        id: '40000000-0000-0000-0000-000000000001',
        appId: '40000000-0000-0000-0000-000000000002',
        appDisplayName: 'My Test application',
        displayName: 'My Test application',
      },
      resourceServicePrincipal: {
        id: '40000000-0000-0000-0000-000000000003',
        appId: '40000000-0000-0000-0000-000000000004',
        appDisplayName: 'My Test application',
        displayName: 'My Test application',
      },
      user: {
        createdDateTime: '2016-03-01T15:23:40Z',
        displayName: 'Bob',
        givenName: 'Bob Smith',
        id: userId,
        mail: 'bob@contoso.com',
        preferredLanguage: 'en-us',
        surname: 'Smith',
        userPrincipalName: 'bob@contoso.com',
        userType: 'Member',
      },
    },
  },
});

/** The request body of Okta's token inline hook reference, for one user; `tokens` picks data.identity / data.access. */
export function oktaEvent(userId: string, tokens: ('identity' | 'access')[] = ['identity', 'access']) {
  const domain = 'https://dev-0000000.okta.com';
  return {
    source: `${domain}/oauth2/default/v1/authorize`,
    eventId: '3OWo4oo-QQ-rBWfRyTmQYw',
    eventTime: '2019-01-15T23:20:47.000Z',
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: 'com.okta.oauth2.tokens.transform',
    data: {
      context: {
        request: {
          id: 'reqv66CbCaCStGEFc8AdfS0ng',
          method: 'GET',
          url: { value: `${domain}/oauth2/default/v1/authorize?scope=openid+profile+email&response_type=token+id_token&client_id=x` },
          ipAddress: '127.0.0.1',
        },
        protocol: {
          type: 'OAUTH2.0',
          request: { scope: 'openid profile email', state: 'foobareere', redirect_uri: 'https://httpbin.org/get', client_id: 'x' },
          issuer: { uri: `${domain}/oauth2/default` },
          client: { id: 'customClientIdNative', name: 'Native client', type: 'PUBLIC' },
        },
        session: { id: '102Qoe7t5PcRnSxr8j3I8I6pA', userId, login: 'administrator1@clouditude.net', status: 'ACTIVE', amr: ['PASSWORD'] },
        user: {
          id: userId,
          passwordChanged: '2018-09-11T23:19:12.000Z',
          profile: { login: 'administrator1@clouditude.net', firstName: 'Add-Min', lastName: "O'Cloudy Tud", locale: 'en' },
          _links: { groups: { href: `${domain}/00uq8tMo3zV0OfJON0g3/groups` } },
        },
        policy: { id: '00pq8lGaLlI8APuqY0g3', rule: { id: '0prq8mLKuKAmavOvq0g3' } },
      },
      ...(tokens.includes('identity')
        ? {
            identity: {
              claims: { sub: userId, ver: 1, aud: 'customClientIdNative', nonce: 'asf' },
              token: { lifetime: { expiration: 3600 } },
            },
          }
        : {}),
      ...(tokens.includes('access')
        ? { access: { claims: { ver: 1, aud: 'api://default', uid: userId }, token: { lifetime: { expiration: 3600 } }, scopes: {} } }
        : {}),
    },
  };
}
