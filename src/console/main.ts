import './styles.css';
import { ConsoleApp } from './ui/app.js';

/**
 * The supervisor console's entry. The server says in index.html whether it is a plant's gateway or
 * a monitoring centre (`<meta name="hazgate-mode">`).
 */
const meta = document.querySelector<HTMLMetaElement>('meta[name="hazgate-mode"]');
const mode = meta?.content === 'centre' ? 'centre' : 'gateway';
const root = document.getElementById('app');
if (root !== null) void new ConsoleApp(mode, root).boot();
