import { useState, type FormEvent } from 'react';

import type { InvitationCreated, Role } from '../../client';
import { formErrors } from '../../api/problem';
import { useInviteMember } from '../../api/useInvitations';
import { Button } from '../../components/Button';
import { FormError, SelectField, TextField } from '../../components/Field';
import { InvitationLinkPanel } from './InvitationLinkPanel';
import { assignableRoles } from './roles';
import { optionValue } from '../../lib/guards';

export interface InviteMemberFormProps {
  tenantId: string;
  myRole: Role | null;
}

/** Email + role; on success shows the one-time invite link in place of the form. */
export function InviteMemberForm({ tenantId, myRole }: InviteMemberFormProps) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [created, setCreated] = useState<InvitationCreated | null>(null);
  const invite = useInviteMember(tenantId);
  const errors = formErrors(invite.error, ['email', 'role'] as const);

  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (invitation) => {
          setCreated(invitation);
          setEmail('');
          setRole('member');
        },
      },
    );
  }

  if (created) {
    return (
      <InvitationLinkPanel
        invitation={created}
        onDone={() => {
          setCreated(null);
          invite.reset();
        }}
      />
    );
  }
  return (
    <form
      onSubmit={submit}
      className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start"
      noValidate
    >
      <TextField
        label="Email"
        type="email"
        autoComplete="off"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.fields.email}
        placeholder="colleague@example.com"
        required
      />
      <SelectField
        label="Role"
        value={role}
        onChange={(event) => {
          const value = optionValue(assignableRoles(myRole), event.target.value);
          if (value) setRole(value);
        }}
        error={errors.fields.role}
        options={assignableRoles(myRole)}
      />
      <Button
        type="submit"
        className="sm:mt-7"
        loading={invite.isPending}
        disabled={email.trim() === ''}
      >
        Invite
      </Button>
      <div className="sm:col-span-3">
        <FormError message={errors.form} />
      </div>
    </form>
  );
}
