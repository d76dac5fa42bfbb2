// Mounts the app; styles are bundled files, no fonts or scripts come from the network.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { forgetWebStorage } from './lib/safety/storage';

// Issue 10: nothing from an earlier page (before a lock) survives in web storage.
forgetWebStorage();

const target = document.getElementById('app');
if (!target) {
  throw new Error('the page has no #app element');
}

export default mount(App, { target });
