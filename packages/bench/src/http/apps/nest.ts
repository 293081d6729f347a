// NestJS 11 on platform-express: PortcullisModule's global AuthGuard against a guard around @nestjs/jwt's
// JwtService, written as Nest's authentication guide writes it. Every injection names its token with
// @Inject(), so nothing depends on emitted decorator metadata (tsx/esbuild does not emit it).
import 'reflect-metadata';
import {
  type CanActivate,
  Controller,
  type DynamicModule,
  type ExecutionContext,
  Get,
  Inject,
  Injectable,
  Module,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Auth } from '@portcullis/core';
import { PortcullisModule, Public } from '@portcullis/nestjs';
import { AUDIENCE, CLOCK_TOLERANCE, ISSUER } from '../../fixtures.js';
import { BODY, ROUTES } from '../protocol.js';
import type { AppContext, PeerKeys, StartedApp } from './context.js';

/** The guard of Nest's authentication guide: Bearer token from the header, `jwtService.verifyAsync`, 401. */
@Injectable()
class JwtAuthGuard implements CanActivate {
  constructor(@Inject(JwtService) private readonly jwtService: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: { authorization?: string }; user?: unknown }>();
    const [type, token] = request.headers.authorization?.split(' ') ?? [];
    if (type !== 'Bearer' || token === undefined) throw new UnauthorizedException();
    try {
      request.user = await this.jwtService.verifyAsync(token);
    } catch {
      throw new UnauthorizedException();
    }
    return true;
  }
}

@Controller()
class BenchController {
  @Get(ROUTES.bare)
  @Public()
  bare() {
    return BODY;
  }

  // No decorator: the global AuthGuard authenticates it (bearer, cookie, session — the module's default).
  @Get(ROUTES.portcullis)
  portcullis() {
    return BODY;
  }

  // @Public() steps portcullis's global guard aside; the peer's guard does the work.
  @Get(ROUTES.peer)
  @Public()
  @UseGuards(JwtAuthGuard)
  peer() {
    return BODY;
  }
}

@Module({})
class BenchModule {
  static for(auth: Auth, keys: PeerKeys): DynamicModule {
    return {
      module: BenchModule,
      imports: [
        PortcullisModule.forRoot({ auth }),
        JwtModule.register({
          secret: keys.keyObject,
          verifyOptions: {
            algorithms: ['HS256'],
            issuer: ISSUER,
            audience: AUDIENCE,
            clockTolerance: CLOCK_TOLERANCE,
          },
        }),
      ],
      controllers: [BenchController],
      providers: [JwtAuthGuard],
    };
  }
}

export async function start({ alg, auth, keys }: AppContext): Promise<StartedApp> {
  const app = await NestFactory.create(BenchModule.for(auth, keys), new ExpressAdapter(), {
    logger: ['error', 'warn'],
  });
  await app.listen(0, '127.0.0.1');
  return {
    server: app.getHttpServer(),
    // The route exists either way; for EdDSA the bench does not load it (jsonwebtoken refuses the token).
    peer:
      alg === 'HS256'
        ? {
            available: true,
            config:
              '@nestjs/jwt 12 (jsonwebtoken 9) JwtService.verifyAsync in a guard: HS256 pinned, iss, aud, exp; ' +
              'secret as a KeyObject; no cache',
          }
        : { available: false, reason: '@nestjs/jwt: jsonwebtoken 9 has no EdDSA' },
    close: () => app.close(),
  };
}
