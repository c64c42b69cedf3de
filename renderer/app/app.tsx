import type { AppInfo } from '../../shared/app.js';
import { useLiveUpdates } from '../api/use-live-updates.js';
import { useMethodQuery } from '../api/use-method-query.js';
import { ClusterPage } from '../pages/cluster-page.js';
import { MapPage } from '../pages/map/map-page.js';
import { ChartsPage } from '../pages/charts/charts-page.js';
import { DashboardPage } from '../pages/dashboard/dashboard-page.js';
import { ComingPage } from '../pages/coming-page.js';
import { ExportsPage } from '../pages/exports/exports-page.js';
import { ProducersPage } from '../pages/producers/producers-page.js';
import { PipelinesPage } from '../pages/pipelines/pipelines-page.js';
import { RegistryPage } from '../pages/registry/registry-page.js';
import { SettingsPage } from '../pages/settings-page.js';
import { TopicsPage } from '../pages/topics-page.js';
import { NavBar } from './nav-bar.js';
import type { RouteId } from './routes.js';
import { LocalClusterBanner } from './local-cluster-banner.js';
import { ServerBanner } from './server-banner.js';
import { TopBar } from './top-bar.js';
import { useHashRoute } from './use-hash-route.js';

function Page({ route, info }: { route: RouteId; info: AppInfo }) {
  switch (route) {
    case 'cluster':
      return <ClusterPage info={info} />;
    case 'dashboard':
      return <DashboardPage activeConnectionId={info.activeConnectionId} />;
    case 'charts':
      return <ChartsPage />;
    case 'map':
      return <MapPage activeConnectionId={info.activeConnectionId} />;
    case 'topics':
      return <TopicsPage activeConnectionId={info.activeConnectionId} />;
    case 'registry':
      return <RegistryPage activeConnectionId={info.activeConnectionId} />;
    case 'producers':
      return <ProducersPage activeConnectionId={info.activeConnectionId} />;
    case 'pipelines':
      return <PipelinesPage activeConnectionId={info.activeConnectionId} dataDir={info.dataDir} />;
    case 'exports':
      return <ExportsPage info={info} />;
    case 'settings':
      return <SettingsPage info={info} />;
    default:
      return <ComingPage route={route} />;
  }
}

export function App() {
  useLiveUpdates();
  const info = useMethodQuery('app:info', undefined);
  const route = useHashRoute();

  if (info.isPending) {
    return (
      <div className="splash" role="status">
        <ServerBanner />
        Loading Kafka Workbench…
      </div>
    );
  }
  if (info.isError) {
    return (
      <div className="splash">
        <ServerBanner />
        <p className="error" role="alert">
          Could not load Kafka Workbench: {info.error.message}
        </p>
        <button type="button" onClick={() => void info.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  return (
    <div className="app" data-testid="app-loaded">
      <TopBar info={info.data} />
      <div className="app-body">
        <NavBar current={route} />
        <main className="content">
          <ServerBanner />
          <LocalClusterBanner connectionId={info.data.activeConnectionId} />
          <Page route={route} info={info.data} />
        </main>
      </div>
    </div>
  );
}
