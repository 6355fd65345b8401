import '@fontsource/atkinson-hyperlegible/400.css';
import '@fontsource/atkinson-hyperlegible/700.css';
import './styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { setUpI18n } from './app/i18n';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

await setUpI18n();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
