import { render, screen } from '@testing-library/react';
import { create } from 'qrcode';
import { describe, expect, it } from 'vitest';
import { QrCode } from './QrCode';

/** Redraws the SVG path's rectangles as a module grid, the way a scanner would see it. */
const modulesDrawn = (path: string, size: number): number[] => {
  const grid = new Array<number>(size * size).fill(0);
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(w); i += 1) grid[Number(y) * size + Number(x) + i] = 1;
  }
  return grid;
};

describe('QrCode', () => {
  it('draws exactly the dark modules of the QR code, inside a 4-module quiet zone', () => {
    const text = 'http://clinic.example/t/abcDEF123_-xyz';
    render(<QrCode text={text} label="Ticket QR code" />);
    const svg = screen.getByRole('img', { name: 'Ticket QR code' });
    const { modules } = create(text, { errorCorrectionLevel: 'M' });
    const size = modules.size + 8;
    expect(svg.getAttribute('viewBox')).toBe(`0 0 ${size} ${size}`);

    const drawn = modulesDrawn(svg.querySelector('path')?.getAttribute('d') ?? '', size);
    const expected = new Array<number>(size * size).fill(0);
    for (let row = 0; row < modules.size; row += 1) {
      for (let col = 0; col < modules.size; col += 1) {
        expected[(row + 4) * size + col + 4] = modules.get(row, col);
      }
    }
    expect(drawn).toEqual(expected);
  });
});
