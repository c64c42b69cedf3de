import { z } from 'zod';

// Zod 4 compiles object parsers with `new Function` when eval is allowed, and probes for it when a
// schema is built. Our CSP forbids eval, so the probe shows up as a CSP violation. Turn the JIT off
// before any schema exists: main.tsx imports this module first.
z.config({ jitless: true });
