// The registry of building blocks. Adding one means adding its file and one line here.
import type { BuildingBlock } from '../compiler/model/types.js';
import { alb } from './alb.js';
import { bastion } from './bastion.js';
import { cicd } from './cicd.js';
import { budget } from './budget.js';
import { kms } from './kms.js';
import { secrets } from './secrets.js';
import { securityGroups } from './security-groups.js';
import { vpc } from './vpc.js';
import { waf } from './waf.js';
import { ec2 } from './ec2.js';
import { ecr } from './ecr.js';
import { ecs } from './ecs.js';
import { eks } from './eks.js';
import { elasticache } from './elasticache.js';
import { iam } from './iam.js';
import { monitoring } from './monitoring.js';
import { rds } from './rds.js';

export const BUILDING_BLOCKS: readonly BuildingBlock[] = [
  vpc,
  kms,
  securityGroups,
  secrets,
  bastion,
  alb,
  waf,
  iam,
  rds,
  elasticache,
  ecr,
  ecs,
  eks,
  ec2,
  monitoring,
  cicd,
  budget,
];
