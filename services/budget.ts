// The spec's `budget:` as an AWS Budgets cost budget: monthly, limit monthlyUsd, with e-mail
// alerts when ACTUAL or FORECASTED spend passes thresholdPercent of it.
//
// Scope: the budget counts only costs tagged with this system and environment (dex:system AND
// dex:environment, the tags every dex resource carries), so two environments in one account each
// get their own budget. AWS only sees those tags in billing data once they are activated as
// user-defined cost allocation tags (Billing console → Cost allocation tags; CloudFormation cannot
// do it), and only for costs incurred after activation; until then the budget reads $0. That
// caveat is in the resource's basis so `dex plan` and docs/cost.md say it.
import { namePrefix, resource } from '../compiler/model/ids.js';
import type { BuildingBlock, CfnValue, ModelResource } from '../compiler/model/types.js';
import type { NormalizedSpec } from '../spec/model.js';

export const BUDGET_ID = 'MonthlyBudget';

/** Who is told: budget.alertEmails, else the monitoring notify address. */
export function budgetRecipients(spec: NormalizedSpec): string[] {
  const budget = spec.budget;
  if (!budget) return [];
  if (budget.alertEmails.length > 0) return [...budget.alertEmails];
  return spec.monitoring.notify.email ? [spec.monitoring.notify.email] : [];
}

function buildBudget(spec: NormalizedSpec): ModelResource[] {
  const budget = spec.budget;
  if (!budget) return [];
  const environment = spec.environment ?? 'default';
  const subscribers: CfnValue = budgetRecipients(spec).map((Address) => ({ SubscriptionType: 'EMAIL', Address }));
  const notify = (type: 'ACTUAL' | 'FORECASTED'): CfnValue => ({
    Notification: { NotificationType: type, ComparisonOperator: 'GREATER_THAN', Threshold: budget.thresholdPercent, ThresholdType: 'PERCENTAGE' },
    Subscribers: subscribers,
  });
  const tag = (Key: string, value: string): CfnValue => ({ Tags: { Key, Values: [value], MatchOptions: ['EQUALS'] } });
  return [
    resource({
      logicalId: BUDGET_ID,
      type: 'AWS::Budgets::Budget',
      layer: 'monitoring',
      component: 'budget',
      origin: ['budget'],
      properties: {
        Budget: {
          BudgetName: namePrefix(spec),
          BudgetType: 'COST',
          TimeUnit: 'MONTHLY',
          BudgetLimit: { Amount: budget.monthlyUsd, Unit: 'USD' },
          FilterExpression: { And: [tag('dex:system', spec.name), tag('dex:environment', environment)] },
        },
        ...((subscribers as unknown[]).length > 0 ? { NotificationsWithSubscribers: [notify('ACTUAL'), notify('FORECASTED')] } : {}),
        ResourceTags: [
          { Key: 'dex:component', Value: 'budget' },
          { Key: 'dex:environment', Value: environment },
          { Key: 'dex:system', Value: spec.name },
        ],
      },
      // No usage meter: AWS Budgets bills nothing for a budget without actions (AWS Budgets pricing
      // page), and dex emits no budget actions (AWS::Budgets::BudgetsAction, which would be billed).
      // The budget reads the dex:system and dex:environment cost allocation tags: activate them in
      // the Billing console, or it reads $0.
    }),
  ];
}

export const budget: BuildingBlock = { name: 'budget', build: buildBudget };
