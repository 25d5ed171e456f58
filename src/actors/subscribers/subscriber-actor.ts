import { DurableObject } from 'cloudflare:workers'
export class SubscriberActor extends DurableObject {}
