// Words for the closed vocabularies of the registry, in the person's language. A Record over each generated
// union: a new word in Rust fails the type check here until it is worded (messages/en.json, messages/es.json).
import { m } from './paraglide/messages.js';
import type * as T from '../ipc';

export const stageWords: Record<T.Stage, () => string> = {
  referral: () => m.v_stage_referral(),
  intake: () => m.v_stage_intake(),
  preparation: () => m.v_stage_preparation(),
  active: () => m.v_stage_active(),
  follow_up: () => m.v_stage_follow_up(),
  closed: () => m.v_stage_closed(),
  paused: () => m.v_stage_paused(),
  withdrawn: () => m.v_stage_withdrawn(),
};

export const roleWords: Record<T.Role, () => string> = {
  person_harmed: () => m.v_role_person_harmed(),
  person_responsible: () => m.v_role_person_responsible(),
  supporter: () => m.v_role_supporter(),
  community_member: () => m.v_role_community_member(),
  partner: () => m.v_role_partner(),
  co_facilitator: () => m.v_role_co_facilitator(),
  specialist: () => m.v_role_specialist(),
  supervisor: () => m.v_role_supervisor(),
  other: () => m.v_role_other(),
};

export const activityWords: Record<T.Activity, () => string> = {
  intake: () => m.v_activity_intake(),
  direct_dialogue: () => m.v_activity_direct_dialogue(),
  indirect_dialogue: () => m.v_activity_indirect_dialogue(),
  letter_exchange: () => m.v_activity_letter_exchange(),
  person_harmed_circle: () => m.v_activity_person_harmed_circle(),
  person_responsible_circle: () => m.v_activity_person_responsible_circle(),
  blended_circle: () => m.v_activity_blended_circle(),
  partners_circle: () => m.v_activity_partners_circle(),
  cosa_inner_circle: () => m.v_activity_cosa_inner_circle(),
  cosa_outer_circle: () => m.v_activity_cosa_outer_circle(),
  conference: () => m.v_activity_conference(),
  reintegration_check_in: () => m.v_activity_reintegration_check_in(),
  preparation_meeting: () => m.v_activity_preparation_meeting(),
  progress_updates: () => m.v_activity_progress_updates(),
  information_sharing: () => m.v_activity_information_sharing(),
  keeping_notes: () => m.v_activity_keeping_notes(),
};

export const processWords: Record<T.ProcessKind, () => string> = {
  person_harmed_circle: () => m.v_process_person_harmed_circle(),
  person_responsible_circle: () => m.v_process_person_responsible_circle(),
  blended_circle: () => m.v_process_blended_circle(),
  partners_circle: () => m.v_process_partners_circle(),
  cosa_inner_circle: () => m.v_process_cosa_inner_circle(),
  cosa_outer_circle: () => m.v_process_cosa_outer_circle(),
  direct_dialogue: () => m.v_process_direct_dialogue(),
  indirect_dialogue: () => m.v_process_indirect_dialogue(),
  letter_exchange: () => m.v_process_letter_exchange(),
  conference: () => m.v_process_conference(),
  reintegration_support: () => m.v_process_reintegration_support(),
};

export const sessionKindWords: Record<T.SessionKind, () => string> = {
  person_harmed_circle: () => m.v_session_kind_person_harmed_circle(),
  person_responsible_circle: () => m.v_session_kind_person_responsible_circle(),
  blended_circle: () => m.v_session_kind_blended_circle(),
  partners_circle: () => m.v_session_kind_partners_circle(),
  cosa_inner_circle: () => m.v_session_kind_cosa_inner_circle(),
  cosa_outer_circle: () => m.v_session_kind_cosa_outer_circle(),
  direct_dialogue: () => m.v_session_kind_direct_dialogue(),
  indirect_dialogue: () => m.v_session_kind_indirect_dialogue(),
  letter_exchange: () => m.v_session_kind_letter_exchange(),
  conference: () => m.v_session_kind_conference(),
  reintegration_check_in: () => m.v_session_kind_reintegration_check_in(),
  preparation_meeting: () => m.v_session_kind_preparation_meeting(),
  supervision: () => m.v_session_kind_supervision(),
};

export const consentStateWords: Record<T.ConsentState, () => string> = {
  granted: () => m.v_consent_state_granted(),
  declined: () => m.v_consent_state_declined(),
  withdrawn: () => m.v_consent_state_withdrawn(),
  expired: () => m.v_consent_state_expired(),
  not_asked: () => m.v_consent_state_not_asked(),
};

export const consentDecisionWords: Record<T.ConsentDecision, () => string> = {
  granted: () => m.v_consent_decision_granted(),
  declined: () => m.v_consent_decision_declined(),
  withdrawn: () => m.v_consent_decision_withdrawn(),
};

export const consentMethodWords: Record<T.ConsentMethod, () => string> = {
  written: () => m.v_consent_method_written(),
  verbal: () => m.v_consent_method_verbal(),
  recorded: () => m.v_consent_method_recorded(),
  through_supporter: () => m.v_consent_method_through_supporter(),
};

export const outcomeWords: Record<T.Outcome, () => string> = {
  agreement_completed: () => m.v_outcome_agreement_completed(),
  partly_completed: () => m.v_outcome_partly_completed(),
  ended_by_person_harmed: () => m.v_outcome_ended_by_person_harmed(),
  ended_by_person_responsible: () => m.v_outcome_ended_by_person_responsible(),
  stopped_for_safety: () => m.v_outcome_stopped_for_safety(),
  not_suitable: () => m.v_outcome_not_suitable(),
  other: () => m.v_outcome_other(),
};

export const commitmentKindWords: Record<T.CommitmentKind, () => string> = {
  apology_letter: () => m.v_commitment_kind_apology_letter(),
  consent_education: () => m.v_commitment_kind_consent_education(),
  counselling: () => m.v_commitment_kind_counselling(),
  skill_practice: () => m.v_commitment_kind_skill_practice(),
  articulating_growth: () => m.v_commitment_kind_articulating_growth(),
  making_amends: () => m.v_commitment_kind_making_amends(),
  restitution: () => m.v_commitment_kind_restitution(),
  no_contact: () => m.v_commitment_kind_no_contact(),
  other: () => m.v_commitment_kind_other(),
};

export const commitmentStatusWords: Record<T.CommitmentStatus, () => string> = {
  not_started: () => m.v_commitment_status_not_started(),
  in_progress: () => m.v_commitment_status_in_progress(),
  done: () => m.v_commitment_status_done(),
  missed: () => m.v_commitment_status_missed(),
  renegotiated: () => m.v_commitment_status_renegotiated(),
};

export const dueKindWords: Record<T.DueKind, () => string> = {
  consent_expiry: () => m.v_due_kind_consent_expiry(),
  assessment_review: () => m.v_due_kind_assessment_review(),
  commitment: () => m.v_due_kind_commitment(),
  supervision: () => m.v_due_kind_supervision(),
  task: () => m.v_due_kind_task(),
};

export const dueStatusWords: Record<T.DueStatus, () => string> = {
  upcoming: () => m.v_due_status_upcoming(),
  overdue: () => m.v_due_status_overdue(),
};

export const riskWords: Record<T.RiskLevel, () => string> = {
  low: () => m.v_risk_low(),
  medium: () => m.v_risk_medium(),
  high: () => m.v_risk_high(),
};

export const assessmentDecisionWords: Record<T.AssessmentDecision, () => string> = {
  proceed: () => m.v_assessment_decision_proceed(),
  pause: () => m.v_assessment_decision_pause(),
  stop: () => m.v_assessment_decision_stop(),
};

export const progressUpdatesWords: Record<T.ProgressUpdates, () => string> = {
  directly: () => m.v_progress_updates_directly(),
  through_facilitator: () => m.v_progress_updates_through_facilitator(),
  not_at_all: () => m.v_progress_updates_not_at_all(),
};

export const sessionStatusWords: Record<T.SessionStatus, () => string> = {
  scheduled: () => m.v_session_status_scheduled(),
  held: () => m.v_session_status_held(),
  cancelled: () => m.v_session_status_cancelled(),
};

export const processStatusWords: Record<T.ProcessStatus, () => string> = {
  active: () => m.v_process_status_active(),
  paused: () => m.v_process_status_paused(),
  closed: () => m.v_process_status_closed(),
  withdrawn: () => m.v_process_status_withdrawn(),
};

export const recordKindWords: Record<T.RecordKind, () => string> = {
  case: () => m.v_record_kind_case(),
  participant: () => m.v_record_kind_participant(),
  note: () => m.v_record_kind_note(),
  session: () => m.v_record_kind_session(),
  agreement: () => m.v_record_kind_agreement(),
  message: () => m.v_record_kind_message(),
  commitment: () => m.v_record_kind_commitment(),
  progress: () => m.v_record_kind_progress(),
  task: () => m.v_record_kind_task(),
  assessment: () => m.v_record_kind_assessment(),
  process: () => m.v_record_kind_process(),
  consent: () => m.v_record_kind_consent(),
  stage_change: () => m.v_record_kind_stage_change(),
  attachment: () => m.v_record_kind_attachment(),
};

export const timelineWords: Record<T.TimelineKind, () => string> = {
  case_opened: () => m.v_timeline_case_opened(),
  stage_changed: () => m.v_timeline_stage_changed(),
  consent_recorded: () => m.v_timeline_consent_recorded(),
  assessment_recorded: () => m.v_timeline_assessment_recorded(),
  process_opened: () => m.v_timeline_process_opened(),
  process_closed: () => m.v_timeline_process_closed(),
  session_scheduled: () => m.v_timeline_session_scheduled(),
  session_held: () => m.v_timeline_session_held(),
  session_cancelled: () => m.v_timeline_session_cancelled(),
  agreement_reached: () => m.v_timeline_agreement_reached(),
  message_written: () => m.v_timeline_message_written(),
  message_approved: () => m.v_timeline_message_approved(),
  message_relayed: () => m.v_timeline_message_relayed(),
  commitment_added: () => m.v_timeline_commitment_added(),
  commitment_due: () => m.v_timeline_commitment_due(),
  progress_recorded: () => m.v_timeline_progress_recorded(),
  note_added: () => m.v_timeline_note_added(),
  attachment_added: () => m.v_timeline_attachment_added(),
  task_due: () => m.v_timeline_task_due(),
  task_done: () => m.v_timeline_task_done(),
  case_closed: () => m.v_timeline_case_closed(),
};
