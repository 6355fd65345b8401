import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../common/format';
import { series, type ReportDay } from './report-days';
import styles from './reports.module.css';

// Only the pieces drawn here: bars for counts, a line for the wait (keeps the chunk small).
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

/** A design token's value: a canvas cannot read CSS variables itself. */
const token = (name: string, fallback: string): string =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/**
 * One department's days: visits and their outcomes as bars, the median wait as a line on
 * its own axis. The canvas is an image named by a one-sentence summary; the figures
 * themselves are in the table beside it, for screen readers and for anyone who wants them.
 */
export const ReportChart = ({
  days,
  from,
  to,
  label,
}: {
  readonly days: readonly ReportDay[];
  readonly from: string;
  readonly to: string;
  readonly label: string;
}) => {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    // No 2D context (a test DOM, a locked-down browser): the table still has every figure.
    const context = canvas.current?.getContext('2d');
    if (context === null || context === undefined) return;
    // Axis and legend text in the console's own typeface and a legible size.
    Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    Chart.defaults.font.size = 14;
    Chart.defaults.color = token('--color-ink', '#0b0c0c');
    const data = series(days, from, to);
    const bar = (name: string, values: (number | null)[], color: string) => ({
      type: 'bar' as const,
      label: t(`reports.series.${name}`),
      data: values,
      backgroundColor: color,
      yAxisID: 'count',
    });
    const chart = new Chart(context, {
      data: {
        labels: data.labels.map(format.day),
        datasets: [
          bar('visits', data.visits, token('--color-brand', '#005ea5')),
          bar('completed', data.completed, token('--color-success', '#00703c')),
          bar('noShows', data.noShows, token('--color-warning', '#6b4e00')),
          bar('cancelled', data.cancelled, token('--color-ink-muted', '#3d4349')),
          {
            type: 'line' as const,
            label: t('reports.series.medianWait'),
            data: data.medianWait,
            borderColor: token('--color-priority', '#6a2c91'),
            backgroundColor: token('--color-priority', '#6a2c91'),
            borderDash: [6, 4],
            pointStyle: 'rectRot',
            pointRadius: 5,
            spanGaps: true,
            yAxisID: 'minutes',
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: {
          count: {
            type: 'linear',
            position: 'left',
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: t('reports.count') },
          },
          minutes: {
            type: 'linear',
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: t('reports.minutes') },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [days, from, to, t, format]);

  return (
    <div className={styles.chart}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
};
