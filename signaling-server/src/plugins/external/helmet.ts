import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

/** Security headers (F7). The API serves JSON; the CSP matters for the optional web client. */
export default fp(
  async (fastify) => {
    await fastify.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:', 'mediastream:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'", 'ws:', 'wss:', 'http:', 'https:'],
          manifestSrc: ["'self'"],
          baseUri: ["'none'"],
          formAction: ["'none'"],
          frameAncestors: ["'none'"],
        },
      },
      // A web client served from here must be able to use the camera and microphone.
      crossOriginEmbedderPolicy: false,
    })
  },
  { name: 'helmet' },
)
