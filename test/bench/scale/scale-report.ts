import { COMMANDS, VARIANTS, type Measurement, type Variant } from "./measure-variant";

/** The table the scale benchmark prints and the README shows: figures per N, ours with its ratio to naive. */
export function scaleTable(measurements: readonly Measurement[]): string {
  const counts = [...new Set(measurements.map((measurement) => measurement.count))].sort((a, b) => a - b);
  const find = (variant: Variant, count: number) =>
    measurements.find((measurement) => measurement.variant === variant && measurement.count === count);
  const lines = [`| N | | ${VARIANTS.join(" | ")} | ours / naive |`, `|---|---|${VARIANTS.map(() => "---|").join("")}---|`];
  for (const count of counts) {
    const row = (
      label: string,
      value: (measurement: Measurement) => number | undefined,
      format: (value: number) => string,
      ratio: boolean,
    ): void => {
      const values = VARIANTS.map((variant) => {
        const measurement = find(variant, count);
        return measurement === undefined ? undefined : value(measurement);
      });
      const [ours, naive] = values;
      const cells = values.map((cell, index) =>
        cell === undefined ? "–" : `${format(cell)}${failureMark(find(VARIANTS[index] ?? "ours", count), label)}`,
      );
      const ratioCell = ratio && ours !== undefined && naive !== undefined && naive > 0 ? `${(ours / naive).toFixed(2)}x` : "";
      lines.push(`| ${count} | ${label} | ${cells.join(" | ")} | ${ratioCell} |`);
    };
    for (const command of COMMANDS)
      row(
        `\`pulumi ${command}\``,
        (measurement) => measurement.seconds[command],
        (seconds) => `${seconds.toFixed(1)} s`,
        true,
      );
    row("requests refused (429)", (measurement) => measurement.rateLimited, String, false);
    row("most requests in flight", (measurement) => measurement.maxInFlight, String, false);
    row(
      "`__provider` per resource",
      (measurement) => measurement.providerBytes,
      (bytes) => `${bytes.toLocaleString("en-US")} B`,
      true,
    );
    row(
      "state per resource (checkpoint)",
      (measurement) => measurement.checkpointBytesPerResource,
      (bytes) => `${(bytes / 1024).toFixed(1)} KB`,
      true,
    );
    row(
      "state per resource (`stack export`)",
      (measurement) => measurement.exportBytesPerResource,
      (bytes) => `${(bytes / 1024).toFixed(1)} KB`,
      true,
    );
  }
  const marginal = marginalUpCost(measurements);
  if (marginal.length > 0)
    lines.push(
      "",
      `Marginal \`up\` cost per extra resource (least squares over N): ${marginal.map(({ variant, ms }) => `${variant} ${ms.toFixed(0)} ms`).join(", ")}.`,
    );
  return lines.join("\n");
}

/** Slope of `up` seconds against N per variant, in milliseconds per resource. */
export function marginalUpCost(measurements: readonly Measurement[]): { variant: Variant; ms: number }[] {
  return VARIANTS.flatMap((variant) => {
    const points = measurements
      .filter((measurement) => measurement.variant === variant && !measurement.failed.includes("up"))
      .map((measurement) => ({ x: measurement.count, y: measurement.seconds.up }));
    if (new Set(points.map((point) => point.x)).size < 2) return [];
    const meanX = points.reduce((sum, point) => sum + point.x, 0) / points.length;
    const meanY = points.reduce((sum, point) => sum + point.y, 0) / points.length;
    const slope =
      points.reduce((sum, point) => sum + (point.x - meanX) * (point.y - meanY), 0) /
      points.reduce((sum, point) => sum + (point.x - meanX) ** 2, 0);
    return [{ variant, ms: slope * 1000 }];
  });
}

/** " (failed)" after a command's time when that command exited non-zero. */
function failureMark(measurement: Measurement | undefined, label: string): string {
  return measurement?.failed.some((command) => label === `\`pulumi ${command}\``) === true ? " (failed)" : "";
}
