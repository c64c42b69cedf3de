// Must stay the first import: see zod-jitless.ts.
import './zod-jitless.js';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/query-client.js';
import { WorkbenchProvider } from './api/workbench-context.js';
import { App } from './app/app.js';
import { createWorkbenchClient } from './transport/index.js';
import './styles/theme.css';
import './styles/layout.css';
import './styles/components.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <WorkbenchProvider client={createWorkbenchClient()}>
      <QueryClientProvider client={createQueryClient()}>
        <App />
      </QueryClientProvider>
    </WorkbenchProvider>
  </StrictMode>,
);
