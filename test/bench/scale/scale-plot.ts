import { VARIANTS, type Command, type Measurement } from "./measure-variant";

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 60, right: 120, top: 30, bottom: 50 };
const COLOURS: Record<(typeof VARIANTS)[number], string> = { ours: "#d9480f", naive: "#1971c2", noop: "#5c940d" };

/**
 * An SVG line chart of `command`'s seconds against N, one line per variant: hand-written, so the
 * benchmark needs no plotting dependency and the README can show the file as it is.
 */
export function scalePlot(measurements: readonly Measurement[], command: Command, title: string): string {
  const counts = [...new Set(measurements.map((measurement) => measurement.count))].sort((a, b) => a - b);
  const maxCount = Math.max(...counts, 1);
  const maxSeconds = niceCeiling(Math.max(...measurements.map((measurement) => measurement.seconds[command]), 1));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (count: number) => MARGIN.left + (count / maxCount) * plotWidth;
  const y = (seconds: number) => MARGIN.top + plotHeight - (seconds / maxSeconds) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${MARGIN.left + plotWidth}" y2="${y(0)}" stroke="black"/>`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${MARGIN.left}" y2="${MARGIN.top}" stroke="black"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" text-anchor="middle">N (resources)</text>`,
    `<text x="15" y="${MARGIN.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 15 ${MARGIN.top + plotHeight / 2})">seconds</text>`,
  ];
  for (const count of counts) {
    parts.push(
      `<line x1="${x(count)}" y1="${y(0)}" x2="${x(count)}" y2="${y(0) + 5}" stroke="black"/>`,
      `<text x="${x(count)}" y="${y(0) + 18}" text-anchor="middle">${count}</text>`,
    );
  }
  for (let tick = 0; tick <= 4; tick++) {
    const seconds = (maxSeconds * tick) / 4;
    parts.push(
      `<line x1="${MARGIN.left - 5}" y1="${y(seconds)}" x2="${MARGIN.left + plotWidth}" y2="${y(seconds)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${y(seconds) + 4}" text-anchor="end">${Number(seconds.toFixed(1))}</text>`,
    );
  }
  VARIANTS.forEach((variant, index) => {
    const points = measurements.filter((measurement) => measurement.variant === variant).sort((a, b) => a.count - b.count);
    if (points.length === 0) return;
    const path = points.map((point) => `${x(point.count).toFixed(1)},${y(point.seconds[command]).toFixed(1)}`).join(" ");
    parts.push(`<polyline fill="none" stroke="${COLOURS[variant]}" stroke-width="2" points="${path}"/>`);
    for (const point of points) {
      const failed = point.failed.includes(command);
      parts.push(
        `<circle cx="${x(point.count).toFixed(1)}" cy="${y(point.seconds[command]).toFixed(1)}" r="3.5" fill="${failed ? "white" : COLOURS[variant]}" stroke="${COLOURS[variant]}"/>`,
      );
    }
    const legendY = MARGIN.top + 10 + index * 20;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 15}" y1="${legendY}" x2="${WIDTH - MARGIN.right + 35}" y2="${legendY}" stroke="${COLOURS[variant]}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 40}" y="${legendY + 4}">${variant}</text>`,
    );
  });
  parts.push(`<text x="${WIDTH - MARGIN.right + 15}" y="${MARGIN.top + 80}" font-size="10">open circle: failed</text>`, "</svg>");
  return `${parts.join("\n")}\n`;
}

/** 1, 2 or 5 times a power of ten, at least `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) ?? 10 * power;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
