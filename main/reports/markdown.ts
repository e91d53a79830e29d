import MarkdownIt from 'markdown-it';

type Token = ReturnType<MarkdownIt['parse']>[number];

/**
 * The one Markdown renderer for notes, in the app and in reports, configured safely:
 * - no HTML: `<script>`, `<img onerror>`, `<iframe>` in a note are shown as text;
 * - no images: `![x](https://tracker/pixel)` is never fetched (the image rule is off, so it reads
 *   as text with its URL);
 * - links are not clickable: only http, https and mailto targets are recognised at all, and they
 *   are shown as their text followed by the URL, so nothing in a note can navigate the app, open
 *   a window or leak a request; the analyst copies a URL deliberately.
 */
function create(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: true });
  md.disable(['image']);
  md.validateLink = (url: string) => /^(https?:\/\/|mailto:)/i.test(url.trim());
  md.renderer.rules.link_open = () => '<span class="md-link">';
  md.renderer.rules.link_close = (tokens: Token[], idx: number) => {
    let open = idx - 1;
    while (open >= 0 && tokens[open]!.type !== 'link_open') open--;
    const href = open >= 0 ? (tokens[open]!.attrGet('href') ?? '') : '';
    const text = tokens.slice(open + 1, idx).map((t) => t.content).join('');
    const shown = href.replace(/^mailto:/i, '');
    return text === shown || text === href ? '</span>' : `</span> <span class="md-url">(${md.utils.escapeHtml(href)})</span>`;
  };
  return md;
}

let instance: MarkdownIt | null = null;

/** Markdown → safe HTML (see above). */
export function renderMarkdown(text: string): string {
  instance ??= create();
  return instance.render(text);
}
