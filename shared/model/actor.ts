/** Who made the change that triggered an evaluation. Carried into findings' alerts; never the full userIdentity. */
export interface Actor {
  /** `IAMUser`, `AssumedRole`, `Root`, `AWSService`, ... */
  readonly type: string;
  readonly arn?: string;
  /** For assumed roles: the role ARN that was assumed (sessionContext.sessionIssuer.arn). */
  readonly roleArn?: string;
  readonly invokedBy?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
  readonly eventTime: string;
  readonly eventId: string;
  readonly eventName: string;
  /**
   * Rules this call exempted: tagged `mq-guardian:allow` with CreateTags, or created with that tag
   * (AuthorizeSecurityGroupIngress with TagSpecifications). Their alert names who and which rule.
   */
  readonly exemptedRuleIds?: readonly string[];
  /**
   * Security groups this call opted out of remediation: tagged `mq-guardian:remediation` with a value
   * that opts out (policy/opt-out.ts) by CreateTags. Their alert names who and which group.
   */
  readonly optedOutGroupIds?: readonly string[];
  /**
   * Brokers this call opted out of remediation: tagged `mq-guardian:remediation` with a value that
   * opts out by Amazon MQ CreateTags, or created with it (CreateBroker). Their alert names who, which
   * broker and the security groups no longer remediated because of it.
   */
  readonly optedOutBrokerIds?: readonly string[];
}
