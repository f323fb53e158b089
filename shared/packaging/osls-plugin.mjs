/**
 * osls / Serverless Framework plugin (listed in serverless.yml). While packaging it
 *  1. checks every `--param` against the settings schema (shared/policy/settings-schema.ts) and stops
 *     with the allowed names and values when one is wrong, before anything is bundled;
 *  2. adds the settings to the template as CloudFormation Parameters (Defaults = the --param values);
 *  3. writes `<service>-stackset.json` next to the packaged template: the same stack with its code read
 *     from per-region artifact buckets instead of the deployment bucket the stack would create.
 * The logic lives in TypeScript next to the code that reads the settings; this file only loads it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const load = (path) => tsImport(path, import.meta.url);

export default class MqGuardianStackPlugin {
  constructor(serverless, options, logging) {
    this.serverless = serverless;
    this.options = options;
    this.log = logging?.log;
    this.hooks = {
      'before:package:cleanup': () => this.checkSettings(),
      'before:package:finalize': () => this.addParameters(),
      'after:package:finalize': () => this.writeStackSetTemplate(),
    };
  }

  async parameters() {
    const { paramOptions, settingsParameters } = await load('./stack-parameters.ts');
    return settingsParameters(paramOptions(this.options.param));
  }

  async checkSettings() {
    try {
      await this.parameters();
    } catch (error) {
      throw new this.serverless.classes.Error(error.message, 'MQ_GUARDIAN_INVALID_SETTINGS');
    }
  }

  async addParameters() {
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    template.Parameters = { ...(template.Parameters ?? {}), ...(await this.parameters()) };
  }

  packageDirectory() {
    return (
      this.options.package ??
      this.serverless.service.package?.path ??
      join(this.serverless.serviceDir, '.serverless')
    );
  }

  async writeStackSetTemplate() {
    const { stackSetTemplate } = await load('./stackset-template.ts');
    const service = this.serverless.service.service;
    const stage = this.serverless.service.provider.stage;
    const directory = this.packageDirectory();
    const packaged = JSON.parse(
      readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    // The key prefix changes with the code, so that updating the StackSet updates the functions.
    const hash = createHash('sha256');
    const keys = Object.values(packaged.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => String(r.Properties.Code.S3Key).split('/').pop())
      .sort();
    for (const key of keys) hash.update(key).update(readFileSync(join(directory, key)));
    const keyPrefix = `${service}/${stage}/${hash.digest('hex').slice(0, 16)}`;
    const { template, artifacts } = stackSetTemplate(packaged, keyPrefix);
    const file = join(directory, `${service}-stackset.json`);
    writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
    this.log?.notice?.(
      `StackSet template: ${file} (upload ${artifacts.map((a) => a.name).join(', ')} to s3://<artifactBucketPrefix>-<region>/${keyPrefix}/)`,
    );
  }
}
