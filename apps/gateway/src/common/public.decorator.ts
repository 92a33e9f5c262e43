import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'facenition:public';
/** Marks a route that needs no client token (health probes, token issuance). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
