import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';

const surfaces = [
  { href: '/kiosk', label: 'Kiosk', note: 'patients check in' },
  { href: '/dashboard', label: 'Dashboard', note: 'staff call the next patient' },
  { href: '/board/:id', label: 'Board', note: 'waiting-room display for one queue' },
  { href: '/admin', label: 'Admin', note: 'queues, counters and staff' },
] as const;

function App() {
  return (
    <main className="home">
      <h1>MediQue</h1>
      <p>Patient queue service. These screens are coming:</p>
      <ul className="surfaces">
        {surfaces.map((s) => (
          <li key={s.href}>
            <a href={s.href}>{s.label}</a> <span className="note">{s.note}</span>
          </li>
        ))}
      </ul>
      <p>
        The API docs are at <a href="/docs">/docs</a>.
      </p>
    </main>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
