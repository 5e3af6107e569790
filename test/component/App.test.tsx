import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import type { SesameApi } from '../../shared/ipc/contract';

describe('App', () => {
  it('shows what the app API reports', async () => {
    const api: SesameApi = {
      app: {
        info: () =>
          Promise.resolve({
            ok: true,
            value: { name: 'Sesame', version: '9.9.9', platform: 'linux' },
          }),
      },
    };
    render(<App api={api} />);
    expect(await screen.findByText('Sesame 9.9.9 on linux')).toBeInTheDocument();
  });

  it('says so when the page runs without the app API', async () => {
    render(<App api={undefined} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('not available');
  });

  it('shows a failure the API returns as a value', async () => {
    const api: SesameApi = {
      app: {
        info: () => Promise.resolve({ ok: false, error: { code: 'forbidden', message: 'nope' } }),
      },
    };
    render(<App api={api} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('nope');
  });
});
