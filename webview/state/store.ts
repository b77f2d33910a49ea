import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** State that components render from: it says when it changed, components re-render. */
export class Store extends EventTarget {
  protected changed(): void {
    this.dispatchEvent(new Event('change'));
  }
}

/** Re-renders a component whenever its store changes (a Lit reactive controller). */
export class StoreController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: Store,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.store.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.store.removeEventListener('change', this.onChange);
  }
}
