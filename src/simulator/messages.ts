// The Discord messages the Midjourney bot would post, shaped like fixtures/*.json (CONTRACT.md §3.4–§3.6),
// plus useapi's additions (`buttons`, `imageUx`, `videoUx`). Builders only assemble objects; the job
// lifecycle decides which one applies when.
import { discordTimestamp } from './clock';

export type JsonObject = Record<string, unknown>;

export const MIDJOURNEY_BOT_ID = '936929561302675456';

export function botAuthor(): JsonObject {
  return {
    id: MIDJOURNEY_BOT_ID,
    username: 'Midjourney Bot',
    avatar: 'f6ce562a6b4979c4b1cbc5b436d3be76',
    discriminator: '9282',
    public_flags: 589824,
    bot: true,
    global_name: null,
    avatar_decoration_data: null,
    collectibles: null,
    display_name_styles: null,
    clan: null,
    primary_guild: null,
  };
}

/** The Discord user behind a channel. */
export interface DiscordUser {
  id: string;
  username: string;
  globalName: string;
  avatar: string;
}

const EMPTY_GUILD = { identity_guild_id: null, identity_enabled: false, badge: null, tag: null };

/** User object as in `mentions` of a completed grid. */
export function mentionUser(user: DiscordUser): JsonObject {
  return {
    id: user.id,
    username: user.username,
    avatar: user.avatar,
    discriminator: '0',
    public_flags: 0,
    global_name: user.globalName,
    avatar_decoration_data: null,
    collectibles: null,
    display_name_styles: null,
    clan: { ...EMPTY_GUILD },
    primary_guild: { ...EMPTY_GUILD },
  };
}

/** User object as in `interaction.user` of a moderated reply. */
function interactionUser(user: DiscordUser): JsonObject {
  return { ...mentionUser(user), clan: null, primary_guild: null };
}

export interface ButtonSpec {
  label?: string;
  emoji?: string;
  customId?: string;
  /** Link buttons (style 5) are not pressable and never appear in `buttons`. */
  url?: string;
}

/** Discord action rows with ids 1..n across rows, and useapi's `buttons` list derived from them (§4). */
export function actionRows(rows: ButtonSpec[][]): { components: JsonObject[]; buttons: string[] } {
  let nextId = 1;
  const buttons: string[] = [];
  const components = rows.map((row) => {
    const rowId = nextId++;
    return {
      type: 1,
      id: rowId,
      components: row.map((spec) => {
        const button: JsonObject = { type: 2, id: nextId++ };
        if (spec.url) {
          Object.assign(button, { style: 5, label: spec.label ?? '\u200b', url: spec.url });
        } else {
          button.style = 2;
          if (spec.label !== undefined) button.label = spec.label;
          if (spec.emoji !== undefined) button.emoji = { name: spec.emoji };
          button.custom_id = spec.customId ?? `MJ::JOB::action::0::${rowId}`;
          buttons.push(spec.label ?? spec.emoji ?? '');
        }
        return button;
      }),
    };
  });
  return { components, buttons };
}

const link = (guid: string): ButtonSpec => ({ url: `https://www.midjourney.com/jobs/${guid}` });

export const PAN_BUTTONS = ['⬅️', '➡️', '⬆️', '⬇️'] as const;
const PAN_ACTIONS = ['pan_left', 'pan_right', 'pan_up', 'pan_down'];

function varyZoomPanRows(guid: string): ButtonSpec[][] {
  return [
    [
      { label: 'Vary (Subtle)', customId: `MJ::JOB::low_variation::1::${guid}::SOLO` },
      { label: 'Vary (Strong)', customId: `MJ::JOB::high_variation::1::${guid}::SOLO` },
      { label: 'Vary (Region)', customId: `MJ::Inpaint::1::${guid}::SOLO` },
    ],
    [
      { label: 'Zoom Out 2x', customId: `MJ::Outpaint::50::1::${guid}::SOLO` },
      { label: 'Zoom Out 1.5x', customId: `MJ::Outpaint::75::1::${guid}::SOLO` },
      { label: 'Custom Zoom', customId: `MJ::CustomZoom::${guid}` },
    ],
    PAN_BUTTONS.map((emoji, i) => ({ emoji, customId: `MJ::JOB::${PAN_ACTIONS[i]}::1::${guid}::SOLO` })),
  ];
}

/** Which button set a result carries (§4 table). */
export type ResultKind = 'grid' | 'single' | 'upscaled' | 'video-grid' | 'single-video';

export function rowsFor(kind: ResultKind, guid: string): ButtonSpec[][] {
  switch (kind) {
    case 'grid':
      return [
        [
          ...[1, 2, 3, 4].map((n) => ({ label: `U${n}`, customId: `MJ::JOB::upsample::${n}::${guid}` })),
          { emoji: '🔄', customId: `MJ::JOB::reroll::0::${guid}::SOLO` },
        ],
        [...[1, 2, 3, 4].map((n) => ({ label: `V${n}`, customId: `MJ::JOB::variation::${n}::${guid}` })), link(guid)],
      ];
    case 'single':
      return [
        [
          { label: 'Upscale (Subtle)', customId: `MJ::JOB::upsample_v7_2x_subtle::1::${guid}::SOLO` },
          { label: 'Upscale (Creative)', customId: `MJ::JOB::upsample_v7_2x_creative::1::${guid}::SOLO` },
        ],
        ...varyZoomPanRows(guid),
        [
          { label: 'Animate (High motion)', customId: `MJ::JOB::animate_high::1::${guid}::SOLO` },
          { label: 'Animate (Low motion)', customId: `MJ::JOB::animate_low::1::${guid}::SOLO` },
          link(guid),
        ],
      ];
    case 'upscaled':
      return [
        [
          { label: 'Redo Upscale (Subtle)', customId: `MJ::JOB::upsample_v7_2x_subtle::1::${guid}::SOLO` },
          { label: 'Redo Upscale (Creative)', customId: `MJ::JOB::upsample_v7_2x_creative::1::${guid}::SOLO` },
        ],
        ...varyZoomPanRows(guid),
        [link(guid)],
      ];
    case 'video-grid':
      return [
        [
          ...[1, 2, 3, 4].map((n) => ({ label: `U${n}`, customId: `MJ::JOB::video_virtual_upscale::${n}::${guid}` })),
          { emoji: '🔄', customId: `MJ::JOB::reroll::0::${guid}::SOLO` },
        ],
        [link(guid)],
      ];
    case 'single-video':
      return [
        [
          { label: 'Extend (High motion)', customId: `MJ::JOB::animate_high_extend::1::${guid}::SOLO` },
          { label: 'Extend (Low motion)', customId: `MJ::JOB::animate_low_extend::1::${guid}::SOLO` },
          link(guid),
        ],
      ];
  }
}

export interface MessageBase {
  id: string;
  channelId: string;
  timestampMs: number;
  content: string;
  user: DiscordUser;
}

/** A normal bot message (type 0) as in imagine-completed.json, without useapi additions. */
export function botMessage(base: MessageBase, parts: { attachments?: JsonObject[]; embeds?: JsonObject[]; components?: JsonObject[]; mention?: boolean } = {}): JsonObject {
  return {
    id: base.id,
    type: 0,
    content: base.content,
    channel_id: base.channelId,
    author: botAuthor(),
    attachments: parts.attachments ?? [],
    embeds: parts.embeds ?? [],
    mentions: parts.mention === false ? [] : [mentionUser(base.user)],
    mention_roles: [],
    pinned: false,
    mention_everyone: false,
    tts: false,
    timestamp: discordTimestamp(base.timestampMs),
    edited_timestamp: null,
    flags: 0,
    components: parts.components ?? [],
    channel_type: 1,
  };
}

/** An ephemeral reply to a slash command (type 20, flags 64) as in video-moderated-422.json. */
export function ephemeralReply(
  base: MessageBase,
  parts: { nonce: string; commandName: string; interactionId: string; embeds?: JsonObject[]; components?: JsonObject[] },
): JsonObject {
  const interactionUserObject = interactionUser(base.user);
  return {
    id: base.id,
    type: 20,
    content: base.content,
    channel_id: base.channelId,
    author: botAuthor(),
    attachments: [],
    embeds: parts.embeds ?? [],
    mentions: [],
    mention_roles: [],
    pinned: false,
    mention_everyone: false,
    tts: false,
    timestamp: discordTimestamp(base.timestampMs),
    edited_timestamp: null,
    flags: 64,
    components: parts.components ?? [],
    channel_type: 1,
    application_id: MIDJOURNEY_BOT_ID,
    webhook_id: MIDJOURNEY_BOT_ID,
    nonce: parts.nonce,
    position: 0,
    interaction: { id: parts.interactionId, type: 2, name: parts.commandName, user: interactionUserObject },
    interaction_metadata: {
      id: parts.interactionId,
      type: 2,
      name: parts.commandName,
      command_type: 1,
      user: interactionUserObject,
      authorizing_integration_owners: { '0': '0' },
    },
  };
}

/** The red error embed of a moderated/invalid reply. */
export function errorEmbed(id: string, title: string, description: string, footerText: string): JsonObject {
  return { type: 'rich', id, title, description, color: 16711680, footer: { text: footerText }, content_scan_version: 0 };
}

/** `<prompt slug>` of attachment file names: punctuation removed, hyphens kept, spaces → `_`, 48 chars. */
export function promptSlug(prompt: string): string {
  const slug = prompt
    .replace(/--\S+(\s+[^-\s]\S*)?/g, ' ')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '_')
    .slice(0, 48);
  return slug === '' ? 'image' : slug;
}

export interface AttachmentInput {
  origin: string;
  channelId: string;
  id: string;
  filename: string;
  contentType: string;
  width: number;
  height: number;
  size: number;
  isSec: number;
  hm: string;
  placeholder: string;
}

export const DISCORD_LINK_LIFETIME_SEC = 86_400;

/** Discord attachment whose URLs point at the simulator's own cdn.discordapp.com-style routes. */
export function attachment(a: AttachmentInput): JsonObject {
  const query = `?ex=${(a.isSec + DISCORD_LINK_LIFETIME_SEC).toString(16)}&is=${a.isSec.toString(16)}&hm=${a.hm}&`;
  const tail = `attachments/${a.channelId}/${a.id}/${encodeURIComponent(a.filename)}${query}`;
  return {
    id: a.id,
    filename: a.filename,
    size: a.size,
    url: `${a.origin}/cdn.discordapp.com/${tail}`,
    proxy_url: `${a.origin}/media.discordapp.net/${tail}`,
    width: a.width,
    height: a.height,
    content_type: a.contentType,
    placeholder: a.placeholder,
    placeholder_version: 1,
    content_scan_version: 3,
  };
}

/** `**<prompt>** - <@user> (<tail>)` and the optional promo footer line (§3.5). */
export function gridContent(echo: string, userId: string, middle: string, speedWord: string, promoFooter: boolean): string {
  const line = `**${echo}** - ${middle}<@${userId}> (${speedWord})`;
  return promoFooter ? `${line}\n-# Create, explore, and organize on [midjourney.com](<https://midjourney.com/imagine?from_discord=1>)` : line;
}

/** The four describe prompts as `1️⃣ …\n\n2️⃣ …` (§14 #13). */
export function describeText(prompts: readonly string[]): string {
  const keycaps = ['1️⃣', '2️⃣', '3️⃣', '4️⃣'];
  return prompts.map((p, i) => `${keycaps[i]} ${p}`).join('\n\n');
}
