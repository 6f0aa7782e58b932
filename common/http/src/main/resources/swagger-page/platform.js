// Swagger UI over this process's contracts (listed by /swagger/config.json); "Try it out" calls this host.
// When this process is the development issuer, the form above signs in with a client id and its
// secret, or registers a new client (its secret shown once), and hands the token to Swagger UI's
// Authorize (bearerAuth). Nothing is stored by the page.
(async () => {
  const config = await (await fetch('/swagger/config.json')).json();
  window.ui = SwaggerUIBundle({
    urls: config.urls,
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout'
  });
  if (!config.devIssuer) {
    return;
  }
  const field = (id) => document.getElementById(id);
  field('dev-token').hidden = false;
  async function authorize() {
    const result = field('dev-token-result');
    const response = await fetch('/oauth/token', { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: field('dev-client-id').value,
        client_secret: field('dev-client-secret').value }) });
    const grant = await response.json().catch(() => ({}));
    if (!response.ok) { result.textContent = grant.error_description || grant.error || grant.detail; return; }
    window.ui.preauthorizeApiKey('bearerAuth', grant.access_token);
    result.textContent = 'authorized as ' + field('dev-client-id').value;
  }
  field('dev-token').addEventListener('submit', (event) => { event.preventDefault(); authorize(); });
  field('dev-register').addEventListener('click', async () => {
    const response = await fetch('/oauth/clients', { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: '{"name":"swagger-ui"}' });
    const client = await response.json().catch(() => ({}));
    if (response.status !== 201) { field('dev-token-result').textContent = client.detail || response.status; return; }
    field('dev-client-id').value = client.clientId;
    field('dev-client-secret').value = client.clientSecret;
    field('dev-client-secret').type = 'text';
    await authorize();
    field('dev-token-result').textContent += ' (the secret above is shown once: keep it)';
  });
})();
