// React Router's package.json sends every bundler to its development build (there is no
// "production" export condition): in `vite build` that would ship its dev warnings and its
// "Hey developer" error page. These aliases point the build at the production files instead,
// and the check fails the build if a development build gets in anyway.
import { fileURLToPath } from 'node:url';

import type { Alias, Plugin } from 'vite';

const routerDist = (file: string) =>
  fileURLToPath(new URL(`../node_modules/react-router/dist/production/${file}`, import.meta.url));

/** Only for `vite build`: tests and the dev server keep the development build's warnings. */
export const productionRouter: Alias[] = [
  { find: /^react-router$/, replacement: routerDist('index.mjs') },
  { find: /^react-router\/dom$/, replacement: routerDist('dom-export.mjs') },
];

/** Text that only development builds contain (React Router's developer error page). */
const DEVELOPMENT_ONLY = ['Hey developer'];

export function refuseDevelopmentBuilds(): Plugin {
  return {
    name: 'agentplatform:refuse-development-builds',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const marker = DEVELOPMENT_ONLY.find((text) => chunk.code.includes(text));
        if (marker) {
          this.error(`${chunk.fileName} contains a development build ("${marker}")`);
        }
      }
    },
  };
}
