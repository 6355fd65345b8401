import { Component, type ErrorInfo, type ReactNode } from 'react';
import { CrashScreen } from './CrashScreen';

interface Props {
  readonly children: ReactNode;
  /** Which screen this guards, for the console report. */
  readonly screen: string;
}

/**
 * One per screen: a crash shows a plain message and a **Reload** button, never a blank
 * page (a kiosk or a TV has nobody to open the developer tools).
 */
export class ErrorBoundary extends Component<Props, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`[${this.props.screen}] crashed`, error, info.componentStack);
  }

  override render(): ReactNode {
    return this.state.failed ? <CrashScreen /> : this.props.children;
  }
}
