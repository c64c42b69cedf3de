import { TopicsBrowserPage } from './topics/topics-page.js';

/** The Topics route; the topic browser (renderer/pages/topics/) reads `#/topics/<name>` itself. */
export function TopicsPage({ activeConnectionId }: { activeConnectionId: string | null }) {
  return <TopicsBrowserPage activeConnectionId={activeConnectionId} />;
}
