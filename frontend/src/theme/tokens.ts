/**
 * Design tokens: the one source of colour, type, spacing, radius and elevation.
 *
 * `tailwind.config.ts` reads this module, so a token is used as a utility class
 * (`bg-brand-600`, `text-ink-muted`, `p-gutter`, `rounded-control`). Components never hard-code a
 * hex value or a pixel size that belongs here.
 */

export const colors = {
  brand: {
    50: '#eef2ff',
    100: '#e0e7ff',
    200: '#c7d2fe',
    500: '#6366f1',
    600: '#4f46e5',
    700: '#4338ca',
    800: '#3730a3',
  },
  ink: {
    DEFAULT: '#0f172a',
    muted: '#475569',
    subtle: '#94a3b8',
    inverse: '#ffffff',
  },
  surface: {
    DEFAULT: '#ffffff',
    muted: '#f8fafc',
    sunken: '#f1f5f9',
    border: '#e2e8f0',
    strong: '#cbd5e1',
  },
  success: { soft: '#dcfce7', DEFAULT: '#16a34a', strong: '#166534' },
  warning: { soft: '#fef3c7', DEFAULT: '#d97706', strong: '#92400e' },
  danger: { soft: '#fee2e2', DEFAULT: '#dc2626', strong: '#991b1b' },
} as const;

export const fontFamily = {
  sans: [
    'Inter',
    'ui-sans-serif',
    'system-ui',
    '-apple-system',
    'Segoe UI',
    'Roboto',
    'sans-serif',
  ],
  mono: ['JetBrains Mono', 'ui-monospace', 'SFMono-Regular', 'Menlo', 'Consolas', 'monospace'],
};

/** [size, line height]; `title` and `display` are for page and hero headings. */
export const fontSize = {
  xs: ['0.75rem', '1rem'],
  sm: ['0.875rem', '1.25rem'],
  base: ['1rem', '1.5rem'],
  lg: ['1.125rem', '1.75rem'],
  title: ['1.5rem', '2rem'],
  display: ['1.875rem', '2.25rem'],
} as const satisfies Record<string, readonly [string, string]>;

/** Named spaces of the layout; small gaps use Tailwind's numeric scale. */
export const spacing = {
  gutter: '1.5rem',
  section: '2rem',
  sidebar: '15rem',
  content: '56rem',
};

export const radius = {
  control: '0.5rem',
  card: '0.75rem',
  pill: '9999px',
};

export const shadow = {
  card: '0 1px 2px 0 rgb(15 23 42 / 0.06), 0 1px 3px 0 rgb(15 23 42 / 0.08)',
  overlay: '0 20px 25px -5px rgb(15 23 42 / 0.15), 0 8px 10px -6px rgb(15 23 42 / 0.1)',
};

export const tokens = { colors, fontFamily, fontSize, spacing, radius, shadow };
