import { LitElement } from 'lit';
import { StoreController, type Store } from '../state/store';

/** A component that renders from the view's state, re-rendered whenever that state changes. */
export abstract class StateElement<S extends Store> extends LitElement {
  static override properties = { state: { attribute: false } };
  state!: S;
  private watched = false;

  override connectedCallback(): void {
    super.connectedCallback();
    // Once: Lit keeps a controller across disconnects and reconnects.
    if (this.watched) return;
    this.watched = true;
    new StoreController(this, this.state);
  }
}
