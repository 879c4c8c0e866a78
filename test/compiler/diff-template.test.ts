// Reading deployed templates: CloudFormation's YAML short forms become the long form.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../compiler/diff/baseline.js';
import { diffResources } from '../../compiler/diff/index.js';

describe('parseTemplate', () => {
  it('reads short-form tags as the long form, and JSON as JSON', () => {
    const t = parseTemplate(
      'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: !Sub "${AWS::StackName} sg"\n      VpcId: !ImportValue sys-prod:Vpc\n      Tags:\n        - { Key: a, Value: !GetAtt Vpc.CidrBlock }\n        - { Key: b, Value: !Ref Vpc }\n        - { Key: c, Value: !Join [",", [x, y]] }\n',
    );
    expect(t.Resources!.Sg!.Properties).toEqual({
      GroupDescription: { 'Fn::Sub': '${AWS::StackName} sg' },
      VpcId: { 'Fn::ImportValue': 'sys-prod:Vpc' },
      Tags: [
        { Key: 'a', Value: { 'Fn::GetAtt': ['Vpc', 'CidrBlock'] } },
        { Key: 'b', Value: { Ref: 'Vpc' } },
        { Key: 'c', Value: { 'Fn::Join': [',', ['x', 'y']] } },
      ],
    });
    expect(parseTemplate('{"Resources": {"A": {"Type": "AWS::SNS::Topic"}}}').Resources!.A!.Type).toBe('AWS::SNS::Topic');
  });

  it('an import resolved through the deployed exports compares equal to the reference', () => {
    const r = (v: unknown) => ({ logicalId: 'S', type: 'AWS::EC2::SecurityGroup', stack: 'x', properties: { VpcId: v as never } });
    const exports = new Map([['custom-export-name', { Ref: 'Vpc' }]]);
    expect(diffResources([r({ 'Fn::ImportValue': 'custom-export-name' })], [r({ Ref: 'Vpc' })], { exports, afterExports: new Map() })).toEqual([]);
  });
});
