"""The window and what every tool shares: the workspace (documents, current model), the host
interface tools get, actions, dialogs, worker threads, charts."""
