import { create } from 'qrcode';
import { useMemo } from 'react';

/** The blank margin scanners need around a QR code, in modules (the standard's minimum). */
const QUIET_ZONE = 4;

/**
 * One SVG path for the dark modules, a run of adjacent ones per rectangle. An inline SVG
 * needs no canvas and no data: URL, prints sharp on a receipt printer, and scales to
 * any screen.
 */
const darkModulesPath = (text: string): { path: string; size: number } => {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let path = '';
  for (let row = 0; row < n; row += 1) {
    let col = 0;
    while (col < n) {
      if (modules.get(row, col) === 0) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col) !== 0) col += 1;
      path += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h${start - col}z`;
    }
  }
  return { path, size: n + 2 * QUIET_ZONE };
};

/**
 * A QR code of `text` (a ticket's page, a device's pairing link), as an image named `label`
 * for screen readers and tests.
 */
export const QrCode = ({
  text,
  label,
  className,
}: {
  readonly text: string;
  readonly label: string;
  readonly className?: string;
}) => {
  const { path, size } = useMemo(() => darkModulesPath(text), [text]);
  return (
    <svg
      role="img"
      aria-label={label}
      className={className}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
    >
      {/* Pure black on white whatever the theme: phone cameras read contrast, not colour. */}
      <rect width={size} height={size} fill="#ffffff" />
      <path d={path} fill="#000000" />
    </svg>
  );
};
