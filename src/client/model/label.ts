import { installNotYet } from '../compat/install';
import { LABEL_MEMBERS } from '../compat/model-members';
import type { ModelTypes } from './registry';

/** A WhatsApp Business label (whatsapp-web.js's `Label`); waweb reads none yet (issue 27). */
export class Label {
  readonly id: string;
  readonly name: string;
  /** e.g. `#ff9485`. */
  readonly hexColor: string;

  declare readonly getChats: () => Promise<Array<ModelTypes['Chat']>>;

  constructor(data: { id: string; name: string; hexColor: string }) {
    this.id = data.id;
    this.name = data.name;
    this.hexColor = data.hexColor;
  }
}

installNotYet(Label.prototype, 'Label', LABEL_MEMBERS);
