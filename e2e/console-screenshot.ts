import { PNG } from 'pngjs';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RegionReading {
  /** Share of the region's pixels that are not the (white) background. */
  readonly inkShare: number;
  /** Pixels close to the series colour. */
  readonly seriesPixels: number;
}

export interface ScreenshotReading {
  readonly width: number;
  readonly height: number;
  /** Standard deviation of the luma over the whole image (0 for a blank one). */
  readonly lumaStdDev: number;
  readonly regions: readonly RegionReading[];
}

const hex = (colour: string): [number, number, number] => [
  parseInt(colour.slice(1, 3), 16),
  parseInt(colour.slice(3, 5), 16),
  parseInt(colour.slice(5, 7), 16),
];

/** Decodes a PNG and reads what a check of "a real page with drawn charts" needs from its pixels. */
export function analyseScreenshot(
  png: Buffer,
  regions: readonly Box[],
  seriesColour: string,
): ScreenshotReading {
  const image = PNG.sync.read(png);
  const { width, height, data } = image;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < width * height; i++) {
    const luma = 0.2126 * data[4 * i] + 0.7152 * data[4 * i + 1] + 0.0722 * data[4 * i + 2];
    sum += luma;
    squares += luma * luma;
  }
  const mean = sum / (width * height);
  const [sr, sg, sb] = hex(seriesColour);
  const read = (box: Box): RegionReading => {
    let ink = 0;
    let series = 0;
    let total = 0;
    for (let y = Math.max(0, Math.floor(box.y)); y < Math.min(height, Math.ceil(box.y + box.height)); y++)
      for (let x = Math.max(0, Math.floor(box.x)); x < Math.min(width, Math.ceil(box.x + box.width)); x++) {
        const at = 4 * (y * width + x);
        const [r, g, b] = [data[at], data[at + 1], data[at + 2]];
        total += 1;
        if (r < 245 || g < 245 || b < 245) ink += 1;
        if (Math.abs(r - sr) + Math.abs(g - sg) + Math.abs(b - sb) < 60) series += 1;
      }
    return { inkShare: total === 0 ? 0 : ink / total, seriesPixels: series };
  };
  return {
    width,
    height,
    lumaStdDev: Math.sqrt(Math.max(0, squares / (width * height) - mean * mean)),
    regions: regions.map(read),
  };
}
