// Monaco's editor, JSON and GraphQL workers as Vite worker chunks (own assets, no CDN).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiqlPage } from './graphiql-page';

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiqlPage />
  </StrictMode>,
);
