import './topics.css';
import { ClusterName } from '../cluster-name.js';
import { TopicDetail } from './topic-detail.js';
import { TopicList } from './topic-list.js';
import { useTopicRoute } from './topic-route.js';

export function TopicsBrowserPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  const topic = useTopicRoute();
  return (
    <section className="page" data-testid="topics-page">
      <div className="page-header">
        <h1>Topics</h1>
        {activeConnectionId !== null && <ClusterName connectionId={activeConnectionId} />}
      </div>
      {activeConnectionId === null ? (
        <p className="note">
          No active connection. Choose one in the top bar, or set one up on the <a href="#/cluster">Cluster</a> page.
        </p>
      ) : topic === null ? (
        <TopicList key={activeConnectionId} connectionId={activeConnectionId} />
      ) : (
        <TopicDetail key={`${activeConnectionId}/${topic}`} connectionId={activeConnectionId} topic={topic} />
      )}
    </section>
  );
}
