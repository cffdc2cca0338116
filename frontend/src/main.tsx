import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router-dom';

import { App } from './App';
import { createAppContext } from './appContext';
import { routes } from './routes';
import './index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

const context = createAppContext(createBrowserRouter(routes));

createRoot(root).render(
  <StrictMode>
    <App {...context} />
  </StrictMode>,
);
