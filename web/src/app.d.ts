import type { IncomingMessage } from 'node:http';
import type { Actor } from '$api/access/actor';

declare global {
  namespace App {
    interface Locals {
      /** The logged-in officer or society representative, as the API's session found them. */
      user: Actor | null;
    }
    interface Platform {
      /** adapter-node passes the Node request; the API reads the client's address from it. */
      req?: IncomingMessage;
    }
    interface Error {
      message: string;
      code?: string;
    }
  }
}

export {};
