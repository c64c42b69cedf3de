import './topics.css';
import { ConnectionRequired } from '../../app/connection-required.js';
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
      <ConnectionRequired connectionId={activeConnectionId}>
        {(id) =>
          topic === null ? <TopicList key={id} connectionId={id} /> : <TopicDetail key={`${id}/${topic}`} connectionId={id} topic={topic} />
        }
      </ConnectionRequired>
    </section>
  );
}
