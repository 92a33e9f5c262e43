import { SetMetadata } from '@nestjs/common';

export const ACCESS = 'facenition:access';
export type Access = 'public' | 'admin' | 'client';

/** No credential needed (health probes, /token which checks its own credentials). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS, 'public' satisfies Access);
/** The deployment's admin credential only (client provisioning, audit administration). */
export const AdminOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS, 'admin' satisfies Access);

export const UNMETERED = 'facenition:unmetered';
/** A client route that does not count against the monthly quota (self-service: /me, own audit). */
export const Unmetered = (): MethodDecorator & ClassDecorator => SetMetadata(UNMETERED, true);
