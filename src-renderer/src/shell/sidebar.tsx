import type { ReactNode } from 'react';
import { useCan } from '../console/use-role';
import { useUi } from '../state/ui-store';
import { NAV_ITEMS, navIdOf } from './nav';

/** The left navigation. */
export function Sidebar(): ReactNode {
  const route = useUi((state) => state.route);
  const navigate = useUi((state) => state.navigate);
  const canDeploy = useCan('deploy:create');
  const current = navIdOf(route);
  return (
    <nav className="sidebar" aria-label="Main">
      <ul>
        {NAV_ITEMS.filter((item) => !item.needsDeveloper || canDeploy).map((item) => (
          <li key={item.id}>
            <a
              href={`#/${item.id}`}
              className={current === item.id ? 'nav-link active' : 'nav-link'}
              aria-current={current === item.id ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(item.route);
              }}
            >
              {item.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
