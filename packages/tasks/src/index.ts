export { batchKey } from './batchKey.js';
export type {
  CustomTask,
  DrawTaskOptions,
  HalfspaceTask,
  ParityTask,
  Task,
  TaskBase,
  TeacherTask,
} from './drawTask.js';
export { drawTask } from './drawTask.js';
export type {
  GroundTruth,
  GroundTruthFromOptions,
  GroundTruthKind,
  GroundTruthOptions,
} from './groundTruth.js';
export { groundTruth, groundTruthFrom } from './groundTruth.js';
export type {
  GaussianInputs,
  HypercubeInputs,
  InputDistribution,
  MixtureInputs,
  MixtureOptions,
  SphereInputs,
} from './inputDistribution.js';
export { INPUT_KINDS, mixtureDistribution } from './inputDistribution.js';
export { labelTask } from './labelTask.js';
export type { LoadedFamily } from './loadFamily.js';
export { loadFamily } from './loadFamily.js';
export type { ModuleRef, ModuleRefExpectation } from './moduleRef.js';
export { isModuleRef, loadModuleRef } from './moduleRef.js';
export type { ProjectionBasis } from './projectionBasis.js';
export { projectionBasis } from './projectionBasis.js';
export type { SampleOptions } from './sampleInputs.js';
export { sampleInputs, sampleInputsInto } from './sampleInputs.js';
export type { TaskSample, TaskSampleBuffers } from './sampleTask.js';
export { sampleTask, sampleTaskInto } from './sampleTask.js';
export type { ProjectedTaskSample, ProjectedTaskSampleBuffers } from './sampleTaskProjected.js';
export { sampleTaskProjected, sampleTaskProjectedInto } from './sampleTaskProjected.js';
export { sign } from './sign.js';
export type { CustomTaskData, TaskData } from './taskData.js';
export { canRebuild, rebuildTask, rebuildTasks, taskData } from './taskData.js';
export type {
  BalanceCheck,
  CustomDrawFamily,
  CustomFamily,
  CustomFnFamily,
  DrawInfo,
  HalfspaceFamily,
  Labelling,
  ModuleFamily,
  OffsetDistribution,
  ParityFamily,
  TaskFamily,
  TeacherFamily,
} from './taskFamily.js';
export { TASK_KINDS } from './taskFamily.js';
export type { TaskSuite } from './taskSuite.js';
export { taskSuite, taskSuiteAsync } from './taskSuite.js';
