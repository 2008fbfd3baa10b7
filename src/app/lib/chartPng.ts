/**
 * A chart as a PNG, drawn entirely in the page: the chart's SVG is serialised, drawn onto a
 * canvas at 2x over a white background with the title above it, and saved. No network.
 */
export async function chartToPng(svg: SVGSVGElement, title: string, scale = 2): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const titleH = 22;
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  // Recharts sets colours as attributes; text inherits its font from CSS, so name one here.
  clone.setAttribute('font-family', getComputedStyle(svg).fontFamily || 'sans-serif');
  clone.setAttribute('font-size', '11');
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(clone)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil((height + titleH) * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw on a canvas.');
    ctx.scale(scale, scale);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height + titleH);
    ctx.fillStyle = '#222';
    ctx.font = `600 13px ${getComputedStyle(svg).fontFamily || 'sans-serif'}`;
    ctx.fillText(title, 6, 15);
    ctx.drawImage(img, 0, titleH, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The chart could not be encoded as PNG.'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** File name for a chart: "rft-reward.png". */
export function chartFileName(id: string): string {
  return `rft-${id.replace(/[^a-z0-9-]+/gi, '-')}.png`;
}
