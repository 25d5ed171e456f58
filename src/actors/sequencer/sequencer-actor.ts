import { DurableObject } from 'cloudflare:workers'
export class SequencerActor extends DurableObject {}
