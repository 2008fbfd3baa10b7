import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useLayoutEffect, useMemo, useRef } from 'react';

interface Props {
  /** TeX built by the app from its own templates and formatted numbers, never from user text. */
  tex: string;
  /** What the formula says, for screen readers and as a caption. */
  label: string;
  inline?: boolean;
}

/**
 * A KaTeX formula. KaTeX's CSS and fonts are bundled by Vite (no CDN). The HTML is set through
 * a ref: the string is KaTeX's output for TeX the app wrote itself.
 */
export function Formula({ tex, label, inline = false }: Props) {
  const ref = useRef<HTMLSpanElement>(null);
  const html = useMemo(() => katex.renderToString(tex, { displayMode: !inline, throwOnError: false, output: 'htmlAndMathml', trust: false, strict: 'ignore' }), [tex, inline]);
  useLayoutEffect(() => {
    if (ref.current) ref.current.innerHTML = html;
  }, [html]);
  // KaTeX's output is all spans, so a span holds a display formula too (styled as a block).
  return <span ref={ref} className={inline ? 'formula formula-inline' : 'formula'} data-testid="formula" data-tex={tex} role="math" aria-label={label} />;
}

// Kept here for the explainers that import it with Formula; pure modules import ../../lib/tex.
export { texNum } from '../../lib/tex';
