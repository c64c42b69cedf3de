import { routeHref, routes, type RouteId } from './routes.js';

export function NavBar({ current }: { current: RouteId }) {
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {routes.map((route) => (
          <li key={route.id}>
            <a href={routeHref(route.id)} aria-current={route.id === current ? 'page' : undefined}>
              {route.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
