import { Controller, Inject, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { requestSignal } from '../common/request-signal';
import { APP_CONFIG, type AppConfig } from '../config';
import { boxSchema, faceSchema, ImageEndpoint, type DocImageField } from './api-docs';
import { FaceService } from './face.service';
import { readEndpointInput, type ImageFieldSpec } from './input';

const one = (name: string): DocImageField => ({ name, min: 1, many: false });
const faceRef = { type: 'object', properties: { face_count: { type: 'integer' }, box: boxSchema } };
const selection = {
  type: 'string',
  enum: ['largest_central'],
  description: 'with several faces in a photo, the largest face nearest the centre is used',
};

@ApiTags('face analysis')
@Controller()
export class FaceController {
  constructor(
    private readonly faces: FaceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private input(req: Request, specs: readonly ImageFieldSpec[], accuracy: boolean) {
    return readEndpointInput(req, specs, { accuracy });
  }

  private single(req: Request): Buffer {
    return this.input(req, [{ name: 'image', min: 1, max: 1 }], false).images.get('image')![0];
  }

  @ImageEndpoint({
    path: 'detect',
    summary: 'Find every face in a photo',
    description:
      'Returns all faces with box, detector score and five landmarks, best candidate first. Large photos are also searched in tiles ' +
      'for faces down to FACENITION_MIN_FACE_SIZE (default 40) pixels wide. Zero faces is a normal answer (face_count 0).',
    images: [one('image')],
    accuracy: false,
    response: {
      properties: {
        image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
        face_count: { type: 'integer' },
        faces: { type: 'array', items: faceSchema },
      },
    },
  })
  detect(@Req() req: Request) {
    return this.faces.detect(this.single(req), requestSignal(req));
  }

  @ImageEndpoint({
    path: 'quality',
    summary: 'Face image quality (0-100) with explained components',
    description:
      'Quality of the largest central face, in the spirit of ISO/IEC 29794-5: a unified 0-100 score (weighted geometric mean) and five ' +
      'components, each 0-100 with the value it was computed from and `acceptable` (score >= 50). ' +
      'face_size: inter-eye distance in pixels, 0 at <= 10 px, 100 at >= 35 px (the recogniser works at 35 px IED). ' +
      'sharpness: variance of the Laplacian of the aligned 112x112 face, log-scaled, 0 at <= 15, 100 at >= 250. ' +
      'exposure: mean gray level of the inner face (100 within 70..185, 0 at 20 or 240) and share of clipped pixels (0 at >= 30%). ' +
      'head_pose: yaw, pitch, roll from fr_pose; 100 frontal, 0 at |yaw| >= 45 or |pitch| >= 35 degrees. ' +
      'eyes_open: the lower of both eyes’ open probability from fr_eye. 400 when no face is found.',
    images: [one('image')],
    accuracy: false,
    response: {
      properties: {
        face_count: { type: 'integer' },
        face_selection: selection,
        face: faceSchema,
        quality: {
          type: 'object',
          properties: {
            score: { type: 'integer', minimum: 0, maximum: 100 },
            components: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: { score: { type: 'integer' }, value: { type: 'object' }, acceptable: { type: 'boolean' } },
              },
            },
          },
        },
      },
    },
  })
  quality(@Req() req: Request) {
    return this.faces.quality(this.single(req), requestSignal(req));
  }

  @ImageEndpoint({
    path: 'liveness',
    summary: 'Passive anti-spoofing on one photo',
    description:
      'Live score 0..1 of the largest central face from fr_liveness; live = score >= threshold (FACENITION_LIVENESS_THRESHOLD, ' +
      'chosen from the NUAA benchmark in docs/benchmarks.md). Tested against printed-photo attacks only.',
    images: [one('image')],
    accuracy: false,
    response: {
      properties: {
        face_count: { type: 'integer' },
        face_selection: selection,
        face: faceSchema,
        live: { type: 'boolean' },
        score: { type: 'number' },
        threshold: { type: 'number' },
      },
    },
  })
  liveness(@Req() req: Request) {
    return this.faces.liveness(this.single(req), requestSignal(req));
  }

  @ImageEndpoint({
    path: 'match',
    summary: 'Are two photos the same person?',
    description:
      'Compares the largest central face of image1 with that of image2 (cosine similarity of embeddings). 400 if either has no face.',
    images: [one('image1'), one('image2')],
    accuracy: true,
    response: {
      properties: {
        match: { type: 'boolean' },
        similarity: { type: 'number', minimum: -1, maximum: 1 },
        threshold: { type: 'number' },
        accuracy: { type: 'integer' },
        face_selection: selection,
        faces: { type: 'object', properties: { image1: faceRef, image2: faceRef } },
      },
    },
  })
  match(@Req() req: Request) {
    const input = this.input(
      req,
      [
        { name: 'image1', min: 1, max: 1 },
        { name: 'image2', min: 1, max: 1 },
      ],
      true,
    );
    return this.faces.match(input.images.get('image1')![0], input.images.get('image2')![0], input.accuracy, requestSignal(req));
  }

  @ImageEndpoint({
    path: 'match-bulk',
    summary: 'One probe against many references',
    description:
      'Similarity and match flag per reference, and the best match. A reference without a face gets face_found=false (the others ' +
      'are still compared); a probe without a face is a 400.',
    images: [one('probe'), { name: 'references', min: 1, many: true }],
    accuracy: true,
    response: {
      properties: {
        accuracy: { type: 'integer' },
        threshold: { type: 'number' },
        face_selection: selection,
        probe: faceRef,
        results: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              index: { type: 'integer' },
              face_found: { type: 'boolean' },
              face_count: { type: 'integer' },
              similarity: { type: 'number', nullable: true },
              match: { type: 'boolean' },
            },
          },
        },
        best_match: { type: 'object', nullable: true, description: 'highest-similarity reference that matches, or null' },
        best_candidate: { type: 'object', nullable: true, description: 'highest-similarity reference, matching or not' },
      },
    },
  })
  matchBulk(@Req() req: Request) {
    const input = this.input(
      req,
      [
        { name: 'probe', min: 1, max: 1 },
        { name: 'references', min: 1, max: this.config.maxImages - 1 },
      ],
      true,
    );
    return this.faces.matchBulk(input.images.get('probe')![0], input.images.get('references')!, input.accuracy, requestSignal(req));
  }

  @ImageEndpoint({
    path: 'consistency-check',
    summary: 'Are these photos all one person?',
    description:
      'Pairwise similarity matrix of the largest central face of every image; consistent when every pair matches at the accuracy level. ' +
      'outliers lists images that match fewer than half of the others. Every image must hold a face (400 naming the image otherwise).',
    images: [{ name: 'images', min: 2, many: true }],
    accuracy: true,
    response: {
      properties: {
        consistent: { type: 'boolean' },
        accuracy: { type: 'integer' },
        threshold: { type: 'number' },
        face_selection: selection,
        similarity_matrix: { type: 'array', items: { type: 'array', items: { type: 'number' } } },
        outliers: { type: 'array', items: { type: 'integer' } },
        faces: { type: 'array', items: faceRef },
      },
    },
  })
  consistencyCheck(@Req() req: Request) {
    const input = this.input(req, [{ name: 'images', min: 2, max: this.config.maxImages }], true);
    return this.faces.consistency(input.images.get('images')!, input.accuracy, requestSignal(req));
  }
}
