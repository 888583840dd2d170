/** The router's top 3 categories as tags (F2 takes the first, Alt+2/3 the others): new-case form and hotline console. */
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RouteSuggestion } from '../../api/client';

export function SuggestionTags(props: {
  suggestion: RouteSuggestion;
  /** `case-suggestion` → test ids `case-suggestions` (the row) and `case-suggestion-0…2` (the tags). */
  testId: string;
  onAccept: (i: number) => void;
}) {
  const { t } = useTranslation();
  const { suggestions, reason } = props.suggestion;
  return (
    <div data-testid={`${props.testId}s`} style={{ marginBottom: 12 }}>
      <Typography.Text type="secondary">
        {suggestions.length > 0
          ? t('cases.suggestedCategories')
          : t('cases.noSuggestion', { reason: reason ?? '' })}
      </Typography.Text>{' '}
      {suggestions.map((s, i) => (
        <Tag
          key={s.categoryCode}
          color={i === 0 ? 'blue' : undefined}
          style={{ cursor: 'pointer' }}
          data-testid={`${props.testId}-${i}`}
          onClick={() => props.onAccept(i)}
        >
          {i === 0 ? 'F2 ' : `Alt+${i + 1} `}
          {s.majorName} · {s.name} {Math.round(s.confidence * 100)}%{s.unitName ? ` → ${s.unitName}` : ''}
        </Tag>
      ))}
    </div>
  );
}
