/**
 * Scalar settings that keep the page offline: without them Scalar 1.46 loads its fonts from
 * fonts.scalar.com and offers an AI agent and sharing tools that call Scalar's servers.
 */
const offlineConfiguration = {
  withDefaultFonts: false,
  agent: { disabled: true },
  showDeveloperTools: 'never',
  telemetry: false,
  documentDownloadType: 'json',
};

/** URLs on this server that the docs page loads. */
export interface DocsPageOptions {
  title: string;
  documentUrl: string;
  scriptUrl: string;
}

/**
 * Renders the HTML page that shows the API reference. The standalone Scalar script finds the
 * `<script id="api-reference">` element, reads `data-url` and `data-configuration`, and mounts
 * the reference in its place, so the page needs no inline script.
 */
export function renderDocsPage(options: DocsPageOptions): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(options.title)}</title>
    <link rel="icon" href="data:,">
  </head>
  <body>
    <script id="api-reference" data-url="${escapeHtml(options.documentUrl)}" data-configuration="${escapeHtml(JSON.stringify(offlineConfiguration))}"></script>
    <script src="${escapeHtml(options.scriptUrl)}"></script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
