// Tailwind v4 reads this through `@config` in src/index.css; the values all come from the tokens.
import { colors, fontFamily, fontSize, radius, shadow, spacing } from './src/theme/tokens.ts';

export default {
  theme: {
    extend: {
      colors,
      fontFamily,
      fontSize: Object.fromEntries(
        Object.entries(fontSize).map(([name, [size, lineHeight]]) => [
          name,
          [size, { lineHeight }],
        ]),
      ),
      spacing,
      maxWidth: { content: spacing.content },
      width: { sidebar: spacing.sidebar },
      borderRadius: radius,
      boxShadow: shadow,
    },
  },
};
